import { PARAMETERS, settingNumber } from '../config/parameters.js';
import type { SystemRow } from './system-table.js';

/**
 * pg_settings rows for a session's current values: built-in parameters with their type, unit and
 * bounds (integers in their base unit, as PostgreSQL lists them), then custom ones as strings.
 */
export function settingRows(values: ReadonlyMap<string, string>): SystemRow[] {
  const rows = [...values].map(([key, value]): SystemRow & { name: string } => {
    const p = PARAMETERS.get(key);
    if (!p)
      return {
        name: key,
        setting: value,
        category: 'Customized Options',
        short_desc: '',
        context: 'user',
        vartype: 'string',
        source: 'session',
        pending_restart: false,
      };
    const setting = p.type === 'integer' && p.unit ? String(settingNumber(p, value)) : value;
    const boot = p.type === 'integer' && p.unit ? String(settingNumber(p, p.boot)) : p.boot;
    return {
      name: p.name,
      setting,
      unit: p.unit ?? null,
      category: p.category,
      short_desc: p.description,
      context: p.context,
      vartype: p.type,
      source: setting === boot ? 'default' : 'session',
      min_val: p.min !== undefined ? String(p.min) : null,
      max_val: p.max !== undefined ? String(p.max) : null,
      enumvals: p.values ? [...p.values] : null,
      boot_val: boot,
      reset_val: boot,
      pending_restart: false,
    };
  });
  return rows.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
}
