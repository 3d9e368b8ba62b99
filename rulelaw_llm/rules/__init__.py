"""The deterministic rules on a read report: quantities, names, categories, grounding, the
offline summary and the template digest. No I/O and no model; the floor the LLM path never
falls below.
"""
