"""Pages of mass testing, one module per subject: campaigns, teams and flags, the desk and boxes, the lab, residents.

Views parse input, call one selector or action and render; domain errors become messages on
the form, or a page with their status (core.middleware.DomainErrorMiddleware).
"""
