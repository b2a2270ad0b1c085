import { useState } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../../gql';
import type { AuditAction } from '../../gql/graphql';
import { Message } from '../../components/alert';
import { SelectField } from '../../components/form-fields';
import { momentParts } from '../../components/format';
import { plainMessageOf } from '../../components/service-error';

const AUDIT_EVENTS = graphql(`
  query AuditEvents($action: AuditAction, $schoolSiteId: ID, $after: String) {
    auditEvents(action: $action, schoolSiteId: $schoolSiteId, first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        occurredAt
        action
        outcome
        actorEmail
        actor {
          id
          name
        }
        targetAccount {
          id
          email
        }
        schoolSite {
          id
          name
        }
        clientAddress
        detail
      }
    }
  }
`);

/** The actions recorded today, in the words an admin uses; the API names more as they come. */
const ACTIONS: { value: AuditAction; label: string }[] = [
  { value: 'ACCOUNT_CREATED', label: 'Account created' },
  { value: 'ACCOUNTS_UPLOADED', label: 'File uploaded' },
  { value: 'SIGNED_IN', label: 'Signed in' },
  { value: 'SIGN_IN_REFUSED', label: 'Sign-in refused' },
];

const labelOf = (action: string): string =>
  ACTIONS.find((one) => one.value === action)?.label ?? action.charAt(0) + action.slice(1).toLowerCase().replace(/_/g, ' ');
const outcomeOf = (outcome: string): string => (outcome === 'SUCCEEDED' ? 'Succeeded' : `Refused (${outcome})`);

/** Who did what, where and when, for the sites the admin reads: newest first, a page at a time. */
export const Activity = ({ sites }: { sites: { id: string; name: string }[] }) => {
  const [action, setAction] = useState('');
  const [siteId, setSiteId] = useState('');
  // The cursors of the pages before this one, so "Newer events" can go back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const events = useQuery(AUDIT_EVENTS, {
    variables: { action: (action || null) as AuditAction | null, schoolSiteId: siteId || null, after },
    fetchPolicy: 'cache-and-network',
  });
  const page = events.data?.auditEvents;
  const restart = () => setCursors([null]);

  return (
    <section aria-labelledby="activity-heading">
      <h2 id="activity-heading">Activity</h2>
      <div className="grid-row grid-gap">
        <div className="tablet:grid-col-4">
          <SelectField
            id="activity-action"
            label="Action"
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
              restart();
            }}
          >
            <option value="">All actions</option>
            {ACTIONS.map((one) => (
              <option key={one.value} value={one.value}>
                {one.label}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="tablet:grid-col-4">
          <SelectField
            id="activity-site"
            label="School site"
            value={siteId}
            onChange={(event) => {
              setSiteId(event.target.value);
              restart();
            }}
          >
            <option value="">All school sites</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </SelectField>
        </div>
      </div>
      {events.error && (
        <Message kind="error" role="alert">
          {plainMessageOf(events.error)}
        </Message>
      )}
      {!page && !events.error && <p role="status">Loading the activity…</p>}
      {page && page.nodes.length === 0 && <p role="status">No activity matches these filters.</p>}
      {page && page.nodes.length > 0 && (
        <>
          <table className="usa-table usa-table--borderless app-stacked">
            <caption>Activity, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Account</th>
                <th scope="col">School site</th>
                <th scope="col">Address</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {page.nodes.map((event) => {
                const [day, time] = momentParts(event.occurredAt);
                return (
                  <tr key={event.id}>
                    <td data-label="When">
                      <time dateTime={event.occurredAt}>
                        <span className="app-nowrap">{day}</span> <span className="app-nowrap">{time}</span>
                      </time>
                    </td>
                    <td data-label="Who" className="app-break">
                      {event.actor ? event.actor.name : (event.actorEmail ?? '–')}
                    </td>
                    <td data-label="Action">{labelOf(event.action)}</td>
                    <td data-label="Account" className="app-break">
                      {event.targetAccount?.email ?? event.detail ?? '–'}
                    </td>
                    <td data-label="School site">{event.schoolSite?.name ?? '–'}</td>
                    <td data-label="Address">{event.clientAddress}</td>
                    <td data-label="Outcome">{outcomeOf(event.outcome)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p role="status" className="margin-top-1">
            Showing {page.nodes.length} of {page.totalCount} events, newest first.
          </p>
          <div className="usa-button-group">
            {cursors.length > 1 && (
              <button type="button" className="usa-button usa-button--outline" onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer events
              </button>
            )}
            {page.pageInfo.hasNextPage && (
              <button type="button" className="usa-button usa-button--outline" onClick={() => setCursors([...cursors, page.pageInfo.endCursor])}>
                Older events
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
};
