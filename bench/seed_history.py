"""Status histories for the benchmarks' set-based incident seeds.

A seed draws a path through the workflow for every incident (`path_case`), writes the incident with the columns
that path leaves behind (`history_columns`: status, registered_at, outcome, version, updated_at), then
`TRANSITIONS_SQL` writes every incident's status history from those columns and `DEREGISTRATIONS_SQL` the
approved change request behind each de-registration: what incidents.services and incidents.change_requests
would have written, set-based (the ORM would take an hour for a million incidents).

Times: reported -> under verification a quarter of the way to the decision -> decision (registration, unfounded,
referred) 2 hours to 3 days after the report -> closed or de-registered 1 to 61 days later; none after now.
A de-registered crime keeps no `registered_at`; its registration is the midpoint of its history.
"""

# Path -> the statuses it goes through after "reported". A closed case that was never registered was found
# unfounded or referred first (by the incident id's parity).
PATHS = {
    "reported": (),
    "under_verification": ("under_verification",),
    "registered": ("under_verification", "registered"),
    "closed_registered": ("under_verification", "registered", "closed"),
    "deregistered": ("under_verification", "registered", "deregistered"),
    "unfounded": ("under_verification", "unfounded"),
    "referred": ("under_verification", "referred"),
    "closed_unregistered": ("under_verification", "unfounded or referred", "closed"),
}
# Paths whose crimes count (incidents.querysets.counted_sql): registered, and kept when the case is closed.
COUNTED_PATHS = ("registered", "closed_registered")


def path_case(draw: str, shares: list[tuple[str, float]]) -> str:
    """SQL choosing a path by the uniform [0, 1) value `draw`: `shares` are (path, share), summing to 1."""
    assert abs(sum(s for _, s in shares) - 1) < 1e-9 and all(p in PATHS for p, _ in shares), shares
    whens, edge = [], 0.0
    for path, share in shares[:-1]:
        edge += share
        whens.append(f"WHEN {draw} < {edge:.6f} THEN '{path}'")
    return f"CASE {' '.join(whens)} ELSE '{shares[-1][0]}' END"


def history_columns(*, path: str, reported: str, draw: str, n: str) -> str:
    """SQL for the columns status, registered_at, outcome, version, updated_at of an incident on `path`,
    reported at `reported`; `draw` is a uniform [0, 1) value for the delays, `n` an integer for the outcome."""

    def clamp(sql: str) -> str:
        return f"greatest({reported}, least(now(), {sql}))"

    decided = clamp(f"{reported} + interval '2 hours' + {draw} * interval '3 days'")
    ended = clamp(f"{reported} + interval '1 day 2 hours' + {draw} * interval '63 days'")
    # Outcomes of closed registered cases: sent to court 40%, suspended 30%, solved 25%, transferred 5%.
    outcome = (f"CASE WHEN mod({n}, 20) < 8 THEN 'sent_to_court' WHEN mod({n}, 20) < 14 THEN 'suspended' "
               f"WHEN mod({n}, 20) < 19 THEN 'solved' ELSE 'transferred' END")
    return f"""
        CASE {path} WHEN 'closed_registered' THEN 'closed' WHEN 'closed_unregistered' THEN 'closed'
                    ELSE {path} END,
        CASE WHEN {path} IN ('registered', 'closed_registered') THEN {decided} END,
        CASE WHEN {path} = 'closed_registered' THEN {outcome} ELSE '' END,
        CASE {path} WHEN 'reported' THEN 1 WHEN 'under_verification' THEN 2
                    WHEN 'registered' THEN 3 WHEN 'unfounded' THEN 3 WHEN 'referred' THEN 3 ELSE 4 END,
        CASE {path} WHEN 'reported' THEN {reported}
                    WHEN 'under_verification' THEN {clamp(f"{reported} + interval '30 minutes'")}
                    WHEN 'registered' THEN {decided} WHEN 'unfounded' THEN {decided} WHEN 'referred' THEN {decided}
                    ELSE {ended} END"""


# Every incident's history from its columns (see the module's docstring for the times). Rows of one incident
# are in order of time, and the last one's time is the incident's updated_at.
TRANSITIONS_SQL = """
    INSERT INTO incidents_incidenttransition (incident_id, from_status, to_status, by_id, at, reason)
    SELECT i.id, s.from_status, s.to_status, i.created_by_id, s.at, s.reason
    FROM (SELECT i.id, i.created_by_id, i.status, i.reported_at, i.updated_at,
                 CASE WHEN i.status IN ('registered', 'deregistered') OR i.outcome <> '' THEN 'registered'
                      WHEN i.status IN ('unfounded', 'referred') THEN i.status
                      WHEN i.status = 'closed' THEN CASE WHEN mod(i.id, 2) = 0 THEN 'unfounded' ELSE 'referred' END
                 END AS decision,
                 CASE WHEN i.registered_at IS NOT NULL THEN i.registered_at
                      WHEN i.status IN ('unfounded', 'referred') THEN i.updated_at
                      ELSE i.reported_at + (i.updated_at - i.reported_at) / 2 END AS decided_at,
                 CASE WHEN i.status IN ('closed', 'deregistered') THEN i.status END AS final
          FROM incidents_incident i) i
    CROSS JOIN LATERAL (VALUES
        ('', 'reported', i.reported_at, ''),
        ('reported', CASE WHEN i.status <> 'reported' THEN 'under_verification' END,
         CASE WHEN i.status = 'under_verification' THEN i.updated_at
              ELSE i.reported_at + (i.decided_at - i.reported_at) / 4 END, ''),
        ('under_verification', i.decision, i.decided_at,
         CASE i.decision WHEN 'unfounded' THEN 'No elements of an offence found.'
                         WHEN 'referred' THEN 'Within the competence of another body.' ELSE '' END),
        (i.decision, i.final, i.updated_at,
         CASE i.final WHEN 'closed' THEN 'Case closed.' ELSE 'De-registration approved.' END)
    ) s(from_status, to_status, at, reason)
    WHERE s.to_status IS NOT NULL"""

# The approved request behind each de-registration, decided by someone other than its requester.
DEREGISTRATIONS_SQL = """
    INSERT INTO incidents_incidentchangerequest
        (incident_id, kind, reason_code, reason, changes, before, incident_version, counted_mahalla_id,
         counted_occurred_at, status, requested_by_id, requester_role, requested_at, decided_by_id, decided_at,
         decision_comment)
    SELECT i.id, 'deregister', (ARRAY['unfounded', 'duplicate', 'wrong_territory', 'decriminalised'])[1 + mod(i.id, 4)],
           'Found on review after registration.', '{"status": "deregistered"}'::jsonb,
           '{"status": "registered"}'::jsonb, i.version - 1, i.mahalla_id, i.occurred_at, 'approved',
           i.created_by_id, r.role, i.updated_at - (i.updated_at - i.reported_at) / 4,
           CASE WHEN i.created_by_id = x.lo THEN x.hi ELSE x.lo END, i.updated_at, ''
    FROM incidents_incident i
    JOIN accounts_user r ON r.id = i.created_by_id
    CROSS JOIN (SELECT min(id) AS lo, max(id) AS hi FROM accounts_user) x
    WHERE i.status = 'deregistered'"""


def write_histories(cursor) -> None:
    """The status histories and de-registration requests of every incident (seeds start from empty tables)."""
    cursor.execute(TRANSITIONS_SQL)
    cursor.execute(DEREGISTRATIONS_SQL)
