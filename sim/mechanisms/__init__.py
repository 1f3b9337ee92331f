"""Decision rules of the pathway, one module each, each taking its own parameters."""
