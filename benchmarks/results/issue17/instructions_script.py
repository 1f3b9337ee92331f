"""Build the default council scaled to SIZE people and run it for DAYS days (under callgrind).

Usage: ``PYTHONPATH=. python instructions_script.py SIZE DAYS``; instructions of a simulated
year are the count for DAYS=365 minus the count for DAYS=0 (building the model, imports).
"""

import sys

from carepath.sim import CarePathwayModel

from benchmarks.scaling import scale_scenario

size, days = int(sys.argv[1]), float(sys.argv[2])
model = CarePathwayModel(scenario=scale_scenario(size, years=10), rng=1)
model.run_for(days)
events = len(model.log) + model.calendar.fired
print("events", events, "transitions", len(model.log), "timers", model.calendar.fired)
