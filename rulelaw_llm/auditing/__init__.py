"""Auditing reports against what the genre requires: parts, dates, title and issuer, plans,
boilerplate; the model's judgements run as tasks of ``rulelaw_llm.llm``.

(The folder is ``auditing`` rather than ``audit`` so that it does not shadow the public
function ``rulelaw_llm.audit``.)
"""
