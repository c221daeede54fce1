"""mktsim.decision"""
