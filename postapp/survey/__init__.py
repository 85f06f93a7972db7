"""The survey module: questionnaires in XLSForm, answering offline, and the analysis of the usability study.

No Qt here; the window and the CLI are front ends over these modules.
"""
