"""Printed briefing packs (A4 PDF, ReportLab): country briefing, conversation brief, event report and
the usability study report. No Qt here: every pack can be made from the command line or a test."""
