"""What every app's demo loader shares (``manage.py load_demo``)."""

# The password of every demo account; printed by ``make run``. Never used outside the demo.
DEMO_PASSWORD = "demo1234"
