"""What managers read: KPIs and forecasts, LINE's insight figures, and the charts."""
