"""IMVO condition checks (core task 4): screening a company before the post supports it, with a
risk-based flow, a four-eyes decision and an audit trail that shows tampering."""
