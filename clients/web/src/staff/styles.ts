// Styles shared by the staff screens: the widget's calm look (black on white,
// GOV.UK-like buttons and focus), larger targets (at least 44 px).
import { css } from 'lit';

export const staffBase = css`
  :host { display: block; }
  .root, .root * { box-sizing: border-box; }
  .root { font-family: "Noto Sans", "Source Sans Pro", Arial, "DejaVu Sans", sans-serif; font-size: 18px; line-height: 1.45; color: #0b0c0c; overflow-wrap: break-word; }
  h2 { font-size: 26px; line-height: 1.2; margin: 0 0 12px; }
  h3 { font-size: 21px; margin: 20px 0 8px; }
  h2:focus, h3:focus { outline: none; }
  p { margin: 0 0 12px; }
  button { font: inherit; cursor: pointer; }
  .btn { min-height: 44px; min-width: 44px; display: inline-block; background: #00703c; color: #fff; border: 2px solid transparent; border-radius: 0; padding: 8px 16px; box-shadow: 0 2px 0 #002d18; margin: 0 8px 10px 0; font-weight: 600; text-align: center; }
  .btn:hover { background: #005a30; }
  .btn.secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
  .btn.secondary:hover { background: #dbdad9; }
  .btn.warning { background: #d4351c; box-shadow: 0 2px 0 #55150b; }
  .btn[disabled] { background: #f3f2f1; color: #505a5f; box-shadow: none; cursor: not-allowed; border-color: #b1b4b6; }
  button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, a:focus {
    outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c;
  }
  .btn:focus-visible { background: #ffdd00; color: #0b0c0c; }
  kbd { font-family: "DejaVu Sans Mono", monospace; font-size: .85em; border: 1px solid #0b0c0c; border-radius: 3px; padding: 0 4px; background: #fff; color: #0b0c0c; }
  label { display: block; font-weight: 600; margin-bottom: 4px; }
  input[type=text], input[type=password], input[type=tel], input[type=email], input[type=date], select, textarea {
    font: inherit; min-height: 44px; border: 2px solid #0b0c0c; padding: 6px 8px; width: 100%; max-width: 420px; border-radius: 0; color: #0b0c0c; background: #fff;
  }
  .field { margin-bottom: 16px; }
  .row { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: flex-end; }
  .row .field { flex: 1 1 200px; }
  .notice { border-left: 6px solid #1d70b8; background: #f3f7fb; padding: 12px 16px; margin: 0 0 16px; }
  .notice.bad { border-color: #d4351c; background: #fdf0ee; }
  .notice.ok { border-color: #00703c; background: #eef7f1; }
  .hint { color: #484949; }
  .sr-only { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; margin-bottom: 16px; }
  .link { background: none; border: 0; padding: 8px 0; min-height: 44px; color: #1d57a5; text-decoration: underline; }
  table { border-collapse: collapse; width: 100%; margin: 0 0 16px; }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid #b1b4b6; vertical-align: top; }
  ul.plain { list-style: none; padding: 0; margin: 0 0 16px; }
  .shortcuts { font-size: 16px; color: #0b0c0c; background: #f3f2f1; padding: 8px 12px; margin: 16px 0; }
  .shortcuts ul { display: flex; flex-wrap: wrap; gap: 4px 20px; list-style: none; padding: 0; margin: 0; }
  /* Narrow: smaller type, never a word broken mid-word (a queue squeezed
     into a fixed table did "Meldebesc|heinigung"); screens with tables show
     cards below 640 px instead (desk.ts). */
  @media (max-width: 480px) { .root { font-size: 16px; } h2 { font-size: 22px; } th, td { padding: 6px 4px; } }
  @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
`;
