"""mktsim.rules"""
