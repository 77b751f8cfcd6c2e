"""Sources turn an input (a plan JSON, HCL directories) into an Inventory of model objects."""
