"""mktsim.model"""
