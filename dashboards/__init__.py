"""Solara dashboards: the live run, comparison of models, and the results explorer."""
