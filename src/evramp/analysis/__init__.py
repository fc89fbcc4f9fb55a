"""Analysis: what a finished plan means, read from its tables and the scenario (never the LP).

A stage between `plan` and `report`: `explain` says what binds, why an order is late and what
the problems are; `mrp` turns the plan's purchases into purchase orders a buyer can place.
"""
