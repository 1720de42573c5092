/** The pricing page's questions, answered the way the platform actually works. */
export const FAQ: { question: string; answer: string }[] = [
  {
    question: 'What is a seat, and how many do I need?',
    answer:
      'A seat is one named person who uses the software. Tool plans are priced per seat: buy as many seats as people, up to what the edition carries (Starter and Individual plans are for one person; Professional plans take up to five or ten seats). Need more? Choose the next edition or ask us about Enterprise, which covers every user in your organization. You can add or remove seats later from your subscription, prorated. Live workshops are sold per seat too: one seat per participant.',
  },
  {
    question: 'Do prices include VAT or sales tax?',
    answer:
      'No. Prices are net. At checkout we add the VAT of your country if you buy as a consumer in the EU or the UK, apply the reverse charge (0 %) for businesses with a valid VAT ID in another EU member state, add GST/HST in Canada, and charge US sales tax only where a state rule requires it. Your invoice shows the tax line by line.',
  },
  {
    question: 'Can I change edition or the number of seats, or switch between monthly and annual billing?',
    answer:
      'Yes. Upgrades take effect at once and are prorated: you are credited for the unused time and charged the difference, and your renewal date stays the same. Downgrades also take effect at once: the unused time of the higher plan becomes account credit, taken off your next charges. To move between monthly and annual billing, cancel at the end of the current period and buy the other term; your license keeps working until the period ends.',
  },
  {
    question: 'How do I cancel?',
    answer:
      'From your account, at any time. Your plan keeps working until the end of the period you paid for and is not renewed. Training you bought stays yours; unused consulting hours stay usable until they expire.',
  },
  {
    question: 'How long do consulting hours last?',
    answer:
      'A 10-hour block can be used within 6 months of purchase, a 25-hour block within 12 months, and a 50-hour block within 18 months.',
  },
  {
    question: 'Which currencies can I pay in?',
    answer:
      'US dollars, euros, pounds sterling and Canadian dollars. Each currency has its own fixed price list: what you see is what you pay, with no conversion at checkout.',
  },
  {
    question: 'Can we pay by invoice or get a custom agreement?',
    answer:
      'For Enterprise plans, custom training and implementation projects, ask for a quote on the product page and we will prepare an agreement and invoice for your organization.',
  },
];
