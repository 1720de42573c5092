import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { tokens } from '../../web/tokens.ts';
import type { BuyerSnapshot, SellerSnapshot } from './domain/document.ts';
import { formatAmount, formatDate, formatRate } from './domain/format.ts';

/**
 * Invoice and credit note PDFs (A4, pdfkit), in the design tokens' colours. The font is pdfkit's
 * built-in Helvetica: the repository self-hosts Inter only as woff2, which pdfkit cannot embed.
 * Helvetica covers the WinAnsi (Western European) characters; a name outside them prints with
 * the glyphs Helvetica has.
 *
 * Deterministic: the same document always gives the same bytes (the PDF's creation date and file
 * id come from the issue date, nothing reads the clock), so the stored SHA-256 can be checked
 * against a regenerated file.
 */

export interface PdfLine {
  description: string;
  sku: string;
  /** Null on credit notes (they give back amounts, not units). */
  quantity: number | null;
  unitAmount: number | null;
  taxRatePercent: string;
  taxAmount: number;
  net: number;
}

export interface PdfDocumentInput {
  kind: 'invoice' | 'credit_note';
  number: string;
  issuedAt: Date;
  /** Rows of facts under the title: "Date of supply", "Order", "Credits invoice"… */
  facts: [label: string, value: string][];
  seller: SellerSnapshot;
  buyer: BuyerSnapshot;
  currency: string;
  lines: PdfLine[];
  /** Label and amount rows at the foot of the table; the last one is printed bold. */
  totals: [label: string, amount: number][];
  notes: string[];
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 50;
const C = tokens.color;

export interface RenderedPdf {
  pdf: Buffer;
  sha256: string;
}

export async function renderPdf(input: PdfDocumentInput): Promise<RenderedPdf> {
  const title = input.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${title} ${input.number}`,
      Author: input.seller.name,
      Creator: 'FHIR IQ',
      Producer: 'FHIR IQ',
      CreationDate: input.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = A4.width - 2 * MARGIN;
  const money = (minor: number) => formatAmount(minor, input.currency);

  // Brand bar and title.
  doc.rect(0, 0, A4.width, 8).fill(C.primary);
  doc.fillColor(C.text).font('Helvetica-Bold').fontSize(22).text(title, MARGIN, 40);
  doc.font('Helvetica').fontSize(11).fillColor(C.textMuted).text(input.number, MARGIN, 68);

  // Facts, right-aligned in the header.
  let y = 40;
  const factX = MARGIN + width / 2;
  for (const [label, value] of [['Issue date', formatDate(input.issuedAt)], ...input.facts] as const) {
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor(C.textMuted)
      .text(label, factX, y, { width: width / 4 });
    doc
      .font('Helvetica-Bold')
      .fillColor(C.text)
      .text(value, factX + width / 4, y, { width: width / 4, align: 'right' });
    y += 14;
  }

  // Seller (from) and buyer (billed to).
  const top = Math.max(y, 96) + 16;
  const party = (heading: string, x: number, lines: string[]) => {
    doc
      .font('Helvetica-Bold')
      .fontSize(8)
      .fillColor(C.primaryStrong)
      .text(heading.toUpperCase(), x, top, {
        width: width / 2 - 10,
        characterSpacing: 0.5,
      });
    doc.font('Helvetica').fontSize(10).fillColor(C.text);
    let py = top + 14;
    for (const [i, l] of lines.entries()) {
      doc.font(i === 0 ? 'Helvetica-Bold' : 'Helvetica').text(l, x, py, { width: width / 2 - 10 });
      py = doc.y + 1;
    }
    return py;
  };
  const s = input.seller;
  const sellerEnd = party('From', MARGIN, [
    s.name,
    ...s.address,
    ...(s.vatId ? [`VAT ID ${s.vatId}`] : []),
    ...(s.taxId ? [s.taxId] : []),
    ...(s.email ? [s.email] : []),
  ]);
  const b = input.buyer;
  const buyerEnd = party(input.kind === 'invoice' ? 'Billed to' : 'Credited to', MARGIN + width / 2, [
    ...(b.organization ? [b.organization, b.name] : [b.name]),
    ...b.address,
    ...(b.vatId ? [`VAT ID ${b.vatId}`] : []),
    b.email,
  ]);

  // Lines.
  const invoice = input.kind === 'invoice';
  const head = (text: string, align: 'left' | 'right' = 'right') => ({
    text,
    type: 'TH' as const,
    font: { src: 'Helvetica-Bold' },
    textColor: C.surface,
    backgroundColor: C.secondary,
    align: { x: align, y: 'center' as const },
  });
  const cell = (text: string, align: 'left' | 'right' = 'right') => ({ text, align: { x: align } });
  const rows = input.lines.map((l) => [
    cell(`${l.description}\n${l.sku}`, 'left'),
    ...(invoice
      ? [cell(String(l.quantity ?? '')), cell(l.unitAmount === null ? '' : money(l.unitAmount))]
      : []),
    cell(formatRate(l.taxRatePercent)),
    cell(money(l.taxAmount)),
    cell(money(l.net)),
  ]);
  doc.font('Helvetica').fontSize(9).fillColor(C.text);
  doc.table({
    position: { x: MARGIN, y: Math.max(sellerEnd, buyerEnd) + 20 },
    maxWidth: width,
    columnStyles: invoice ? ['*', 36, 80, 52, 70, 80] : ['*', 60, 80, 90],
    defaultStyle: {
      border: { top: 0, right: 0, bottom: 0.5, left: 0 },
      borderColor: { bottom: C.border },
      padding: [6, 4, 6, 4],
    },
    data: [
      [
        head('Description', 'left'),
        ...(invoice ? [head('Qty'), head('Unit price')] : []),
        head('Tax rate'),
        head('Tax'),
        head(invoice ? 'Amount' : 'Net credited'),
      ],
      ...rows,
    ],
  });

  // Totals, right column.
  let ty = doc.y + 12;
  for (const [i, [label, amount]] of input.totals.entries()) {
    const last = i === input.totals.length - 1;
    if (last) {
      doc
        .moveTo(MARGIN + width / 2, ty - 3)
        .lineTo(MARGIN + width, ty - 3)
        .lineWidth(1)
        .stroke(C.borderStrong);
      ty += 3;
    }
    doc
      .font(last ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(last ? 11 : 10)
      .fillColor(C.text);
    doc.text(label, MARGIN + width / 2, ty, { width: width / 4 });
    doc.text(money(amount), MARGIN + (3 * width) / 4, ty, { width: width / 4, align: 'right' });
    ty = doc.y + 4;
  }

  // Legal mentions.
  doc.y = ty + 14;
  for (const note of input.notes) {
    doc.font('Helvetica').fontSize(9).fillColor(C.text).text(note, MARGIN, doc.y, { width });
    doc.moveDown(0.4);
  }

  // Footer on the first page: who issued it.
  const footer = [s.name, s.vatId ? `VAT ID ${s.vatId}` : null, s.email].filter(Boolean).join(' · ');
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(C.textMuted)
    .text(footer, MARGIN, A4.height - MARGIN - 10, { width, align: 'center', lineBreak: false });

  doc.end();
  const pdf = await done;
  return { pdf, sha256: createHash('sha256').update(pdf).digest('hex') };
}
