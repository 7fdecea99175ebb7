"""The pure core: concepts and rules, standard library only."""
