"""mktsim.report"""
