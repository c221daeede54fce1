"""mktsim.sweep"""
