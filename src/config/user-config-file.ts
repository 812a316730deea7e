import { isAbsolute, join } from 'node:path';

/**
 * Where the user's own keyguard configuration lives: `$XDG_CONFIG_HOME/keyguard/config.json`
 * (an absolute XDG_CONFIG_HOME only, as the XDG spec says), else `~/.config/keyguard/config.json`;
 * undefined without a home folder. The file need not exist.
 */
export function userConfigFile(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg !== undefined && xdg !== '' && isAbsolute(xdg))
    return join(xdg, 'keyguard', 'config.json');
  const home = env.HOME || env.USERPROFILE;
  return home === undefined || home === ''
    ? undefined
    : join(home, '.config', 'keyguard', 'config.json');
}

/** `{ userConfig }` for a setup, or nothing when there is no home folder. */
export function userConfigOption(env: Readonly<Record<string, string | undefined>>): {
  userConfig?: string;
} {
  const file = userConfigFile(env);
  return file === undefined ? {} : { userConfig: file };
}
