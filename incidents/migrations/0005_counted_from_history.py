"""Every crime that was ever registered counts (the status history says which), whatever its status now.

A crime registered and later decided unfounded leaves the count through an approved de-registration dated at
that decision, recorded as such: nobody approved it then, so `decided_by` stays empty and the comment says why.
Afterwards run `manage.py recount` (zone statuses and dashboard statistics from the new rule).
"""

from django.db import migrations

FORWARD = """
UPDATE incidents_incident i SET registered_at = t.first_at
FROM (SELECT incident_id, min(at) AS first_at FROM incidents_incidenttransition
      WHERE to_status = 'registered' GROUP BY incident_id) t
WHERE t.incident_id = i.id;

-- Rows that reached "registered" without a recorded transition (bulk loads): registered when reported.
UPDATE incidents_incident SET registered_at = reported_at WHERE status = 'registered' AND registered_at IS NULL;

CREATE TEMPORARY TABLE count_deregistered ON COMMIT DROP AS
SELECT DISTINCT ON (u.incident_id) u.incident_id, u.at, u.by_id, u.reason, i.mahalla_id, i.occurred_at, i.version
FROM incidents_incidenttransition u
JOIN incidents_incident i ON i.id = u.incident_id
WHERE u.to_status = 'unfounded' AND i.registered_at IS NOT NULL
  AND u.at > (SELECT max(r.at) FROM incidents_incidenttransition r
              WHERE r.incident_id = u.incident_id AND r.to_status = 'registered')
ORDER BY u.incident_id, u.at DESC;

INSERT INTO incidents_incidentchangerequest
    (incident_id, kind, reason_code, reason, changes, before, incident_version, counted_mahalla_id,
     counted_occurred_at, status, requested_by_id, requester_role, requested_at, decided_by_id, decided_at,
     decision_comment)
SELECT incident_id, 'deregister', 'unfounded', coalesce(nullif(reason, ''), 'found unfounded'),
       '{"status": "deregistered"}'::jsonb, '{"status": "unfounded"}'::jsonb, version, mahalla_id, occurred_at,
       'approved', by_id, coalesce((SELECT role FROM accounts_user WHERE id = by_id), ''), at, NULL, at,
       'Decided before four-eyes approval existed; taken from the status history.'
FROM count_deregistered;

UPDATE incidents_incident i
SET registered_at = NULL, status = CASE WHEN i.status = 'unfounded' THEN 'deregistered' ELSE i.status END
FROM count_deregistered d WHERE d.incident_id = i.id;
"""

BACKWARD = """
UPDATE incidents_incident SET status = 'unfounded' WHERE status = 'deregistered';
DELETE FROM incidents_incidentchangerequest;
UPDATE incidents_incident SET registered_at = NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_count_integrity")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
