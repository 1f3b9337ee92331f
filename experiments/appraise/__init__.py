"""`carepath appraise`: options x parameter draws x common-random-number replications."""
