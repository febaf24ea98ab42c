// A person's picture, or their initial on a colour picked from their id when they have none.
import type { User } from '../api/types';

export function Avatar({ user, size = 36 }: { user?: User; size?: number }) {
  const link = user?.profile?.image_72 || user?.profile?.image_original;
  const style = { width: `${size}px`, height: `${size}px` };
  if (link && /^https?:\/\//.test(link)) {
    return <img class="avatar" src={link} alt="" style={style} loading="lazy" />;
  }
  const name = user?.real_name || user?.name || '?';
  const hue = [...(user?.id ?? '?')].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 360;
  return (
    <span class="avatar" aria-hidden="true" style={{ ...style, background: `hsl(${hue} 45% 45%)` }}>
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}

export function PresenceDot({ presence }: { presence?: 'active' | 'away' }) {
  const label = presence === 'active' ? 'active' : 'away';
  return <span class={`presence ${label}`} role="img" aria-label={label} title={label} />;
}
