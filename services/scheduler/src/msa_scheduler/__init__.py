"""The daily clock: one ``DayStarted`` per city day on ``msa.clock``, fenced, caught up."""
