"""Outcome measures and mixed methods: typed participant attributes, instruments and
their readings, change between a participant's first and last reading, contacts, and
the closed answers of surveys. Values of attributes stay in the project's
``participant_attribute`` table; this package owns their types and everything else."""
