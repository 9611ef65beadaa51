"""Exports: township workbooks (more to come: master workbook, inspector
schedules and calendars, public notice)."""
