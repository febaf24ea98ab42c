// Light and dark themes are two sets of CSS variables (styles/app.css). The person's choice is
// kept; without one the system's preference applies.
import { loadTheme, saveTheme } from '../state/persisted';

export function currentTheme(): 'light' | 'dark' {
  return loadTheme() ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

export function applyTheme(theme = currentTheme()) {
  document.documentElement.dataset.theme = theme;
}

export function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  saveTheme(next);
  applyTheme(next);
}
