"""mktsim.scenario"""
