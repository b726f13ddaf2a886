"""msa-casework: cases from arrival to departure.

Consumes intake's person events (``msa.intake.persons``), every provider's reports
(``msa.provider.<id>.reports``) and the clock (``msa.clock``); publishes the case lifecycle
on ``msa.casework.cases`` and each provider's assignments and answers on
``msa.provider.<id>.assignments``; serves the office's read API over HTTP.
"""
