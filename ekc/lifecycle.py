"""Declared lifecycles: the states of a model and the transitions between them.

Each stateful model declares its transitions once, as ``name: (sources, target)``;
services move an object only along them, and the access rules ask ``can`` whether
a step is open now. No library: a dictionary and three questions.
"""


class TransitionError(Exception):
    """The object is not in a state that allows this change."""


class Lifecycle:
    def __init__(self, transitions):
        self.transitions = {
            name: (frozenset(sources), target) for name, (sources, target) in transitions.items()
        }

    def can(self, status, transition):
        """Whether ``transition`` may start from ``status``."""
        return status in self.transitions[transition][0]

    def sources(self, transition):
        return self.transitions[transition][0]

    def target(self, transition):
        return self.transitions[transition][1]

    def move(self, obj, transition, *, refused=None):
        """Set ``obj.status`` to the transition's target; ``TransitionError(refused)``
        when ``obj`` is not in one of its source states (a service that required the
        action's rule has checked that already). The caller saves."""
        if not self.can(obj.status, transition):
            raise TransitionError(refused)
        obj.status = self.target(transition)
        return obj
