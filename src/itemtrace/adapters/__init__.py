"""Third-party formats, each behind one small function (CSV and XLSX spreadsheets, …)."""
