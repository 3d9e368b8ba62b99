"""Many reports at once: the batch runner and its progress, exports and DataFrames, the
markdown output, the review page and the evaluation against gold.
"""
