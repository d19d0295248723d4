// Shared styles of every component. :host { all: initial } cuts the host
// page's inherited properties (font, colour, line height, letter spacing)
// off at the element; !important makes it win over host rules that name
// the element itself (a host `* { … !important }` matches our host element,
// and inside the shadow root nothing of the host page matches).
import { css } from 'lit';

export const base = css`
  :host { all: initial !important; display: block !important; contain: content; }
  :host([hidden]) { display: none !important; }
  .root, .root * { box-sizing: border-box; }
  .root {
    font-family: "Noto Sans", "Source Sans Pro", Arial, "DejaVu Sans", sans-serif;
    font-size: 16px; line-height: 1.5; color: #0b0c0c; background: #fff;
    text-align: left; overflow-wrap: break-word; hyphens: auto; letter-spacing: normal; word-spacing: normal; text-transform: none;
    max-width: 736px; padding: 16px; border: 1px solid #b1b4b6; border-radius: 4px;
  }
  .root.plain { border: 0; padding: 0; max-width: none; background: transparent; }
  h2, h3 { font-weight: 700; line-height: 1.25; margin: 0 0 12px; }
  h2 { font-size: 24px; } h3 { font-size: 18.4px; }
  h2:focus, h3:focus { outline: none; }
  p { margin: 0 0 16px; }
  a { color: #1d57a5; text-decoration: underline; }
  a:visited { color: #4c2c92; }
  a:hover { color: #003078; }
  a:focus, button:focus-visible, input:focus-visible, summary:focus-visible {
    outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; background-color: #ffdd00; color: #0b0c0c;
  }
  input:focus-visible { background-color: #fff; }
  .hint { color: #484949; margin: 0 0 12px; }
  .step { color: #484949; font-size: 15.2px; margin: 0 0 4px; }
  button { font: inherit; cursor: pointer; }
  .btn {
    display: inline-block; background: #00703c; color: #fff; border: 2px solid transparent;
    border-radius: 0; padding: 8px 16px; box-shadow: 0 2px 0 #002d18; margin: 0 8px 12px 0; font-weight: 600;
  }
  .btn:hover { background: #005a30; }
  .btn.secondary { background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }
  .btn.secondary:hover { background: #dbdad9; }
  .btn.warning { background: #d4351c; box-shadow: 0 2px 0 #55150b; }
  .link { background: none; border: 0; padding: 0; color: #1d57a5; text-decoration: underline; }
  fieldset { border: 0; margin: 0 0 16px; padding: 0; min-width: 0; }
  legend { font-weight: 700; margin-bottom: 8px; padding: 0; }
  label { display: block; margin-bottom: 4px; }
  .choice { display: flex; gap: 9.6px; align-items: flex-start; margin: 0 0 9.6px; }
  .choice input { width: 24px; height: 24px; margin: 1.6px 0 0; flex: none; accent-color: #0b0c0c; }
  .choice label { margin: 0; }
  .choice .sub { display: block; color: #484949; font-size: 15.2px; }
  input[type=text], input[type=email], input[type=tel] {
    font: inherit; border: 2px solid #0b0c0c; padding: 5.6px 8px; width: 100%; max-width: 384px; border-radius: 0; color: #0b0c0c; background: #fff;
  }
  .field { margin-bottom: 17.6px; }
  .field.error { border-left: 4px solid #d4351c; padding-left: 12px; }
  .error-message { color: #d4351c; font-weight: 700; display: block; margin-bottom: 4px; }
  input[aria-invalid=true] { border-color: #d4351c; }
  .error-summary { border: 4px solid #d4351c; padding: 16px; margin-bottom: 20px; }
  .error-summary h3 { margin-bottom: 8px; }
  .error-summary ul { margin: 0; padding-left: 20px; }
  .error-summary a { color: #d4351c; font-weight: 700; }
  .notice { border-left: 6px solid #1d70b8; background: #f3f7fb; padding: 12px 16px; margin: 0 0 16px; }
  .notice.warn { border-color: #b58840; background: #fff7e6; }
  .notice.bad { border-color: #d4351c; background: #fdf0ee; }
  .notice > :last-child { margin-bottom: 0; }
  .panel { background: #00703c; color: #fff; padding: 16px; text-align: center; margin-bottom: 16px; }
  .panel strong { display: block; font-size: 32px; letter-spacing: .05em; }
  dl.summary { display: grid; grid-template-columns: minmax(112px, auto) 1fr; gap: 4px 16px; margin: 0 0 16px; }
  dl.summary dt { font-weight: 700; }
  dl.summary dd { margin: 0; }
  .sr-only { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .times { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0 0 16px; }
  .times .btn { margin: 0; min-width: 88px; }
  .office-times h3 { font-size: 17.6px; margin: 16px 0 8px; }
  .footer-links { border-top: 1px solid #b1b4b6; margin-top: 16px; padding-top: 12px; font-size: 15.2px; display: flex; flex-wrap: wrap; gap: 8px 24px; }
  @media (max-width: 480px) { .root { padding: 12px; border-left: 0; border-right: 0; } h2 { font-size: 20.8px; } dl.summary { grid-template-columns: 1fr; } .panel strong { font-size: 24px; } }
  @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; scroll-behavior: auto !important; } }
`;
