"""Solara dashboards (live run, comparison, results explorer): see issue 6."""
