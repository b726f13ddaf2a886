"""Pure reporting logic: events in, figures out, suppression before anything leaves."""
