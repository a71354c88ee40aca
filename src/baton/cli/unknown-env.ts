/**
 * `BATON_*` environment variables that no setting reads: a typo such as BATON_SEISMIC_TENNANT
 * would otherwise be ignored without a word, and the run would go on without the value.
 */
import { envName, type Field } from "./fields.js";
import { suggestion } from "./resolve-config.js";

/** Variables the harness reads that are not a field's (the config file; service mode's). */
export const OTHER_KNOWN_VARIABLES = [
  "BATON_CONFIG",
  "BATON_CONFIG_PATH",
  "BATON_C1_API_HOST",
  "BATON_HOST_ID",
  "BATON_GET_TASKS",
];

/** Each unknown `BATON_*` variable in `env`, with the known one it was probably meant to be. */
export function unknownBatonVariables(
  env: NodeJS.ProcessEnv,
  fields: readonly Field[],
): { name: string; hint: string }[] {
  const known = [...fields.map((f) => envName(f.name)), ...OTHER_KNOWN_VARIABLES];
  return Object.keys(env)
    .filter((name) => name.startsWith("BATON_") && !known.includes(name))
    .sort()
    .map((name) => ({ name, hint: suggestion(name, known) }));
}
