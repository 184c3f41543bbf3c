/**
 * A QR code as an inline SVG, encoded in the page by uqr (no network, no canvas). Dark modules are one path
 * on a white square with the standard four-module quiet zone, so a phone camera finds it on a projector.
 */
import { encode } from 'uqr';

const SVG = 'http://www.w3.org/2000/svg';
/** ISO/IEC 18004 asks for a quiet zone of four modules around the symbol. */
const QUIET_ZONE = 4;

/** An `<svg role="img">` QR code of `text`, labelled `label` for screen readers. */
export function qrCodeSvg(text: string, label: string): SVGSVGElement {
  // Medium error correction: still decodes with a glare spot or a head in front of part of the screen.
  const { data, size } = encode(text, { ecc: 'M', border: 0 });
  const extent = size + 2 * QUIET_ZONE;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${extent} ${extent}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('class', 'qr-code');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(extent));
  background.setAttribute('height', String(extent));
  background.setAttribute('fill', '#ffffff');
  let d = '';
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    });
  });
  const modules = document.createElementNS(SVG, 'path');
  modules.setAttribute('d', d);
  modules.setAttribute('fill', '#000000');
  svg.append(background, modules);
  return svg;
}
