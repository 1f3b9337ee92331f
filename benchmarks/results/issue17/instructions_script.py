import sys
from benchmarks.scaling import scale_scenario
from carepath.sim import CarePathwayModel
size, days = int(sys.argv[1]), float(sys.argv[2])
model = CarePathwayModel(scenario=scale_scenario(size, years=10), rng=1)
model.run_for(days)
print("events", len(model.log) + model.calendar.fired, "transitions", len(model.log), "timers", model.calendar.fired)
