"""Practice: the check inside a lesson and a module's branching scenario.

Recorded, never scored: nothing here reads or writes the quiz or the registration, so practice
can never change a learner's result or completion.
"""
