"""Pure decisions of the scheduler: which days are due. Standard library only."""
