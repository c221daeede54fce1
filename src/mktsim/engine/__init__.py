"""mktsim.engine"""
