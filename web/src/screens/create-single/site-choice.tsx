import type { RoleScope } from '../../gql/graphql';
import { CheckboxGroup, SelectField } from '../../components/form-fields';
import type { Site } from '../account-management/account-management';

export const SITE_FIELD_ID = 'single-site';
export const SITES_FIELD_ID = 'single-sites';

/** Where the account belongs, as the chosen role's scope asks: one site, several, or none (the whole district). */
export const SiteChoice = ({
  scope,
  sites,
  chosen,
  error,
  onChange,
  ids = { site: SITE_FIELD_ID, sites: SITES_FIELD_ID },
}: {
  scope: RoleScope | undefined;
  sites: Site[];
  chosen: string[];
  error?: string;
  onChange: (siteIds: string[]) => void;
  /** The element ids of the one-site choice and of the several-sites group, for a second form on the same page. */
  ids?: { site: string; sites: string };
}) => {
  if (scope === 'DISTRICT') return null;
  if (scope === 'MULTI_SITE') {
    return (
      <CheckboxGroup
        id={ids.sites}
        legend="School Sites"
        hint="Choose two or more."
        error={error}
        options={sites.map((site) => ({ value: site.id, label: site.name }))}
        checked={chosen}
        onToggle={(siteId, on) => onChange(on ? [...chosen, siteId] : chosen.filter((one) => one !== siteId))}
      />
    );
  }
  return (
    <SelectField
      id={ids.site}
      label="School Site"
      error={error}
      value={chosen[0] ?? ''}
      onChange={(event) => onChange(event.target.value ? [event.target.value] : [])}
    >
      {sites.length !== 1 && <option value="">- Select a school site -</option>}
      {sites.map((site) => (
        <option key={site.id} value={site.id}>
          {site.name}
        </option>
      ))}
    </SelectField>
  );
};
