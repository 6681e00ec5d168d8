/**
 * Background jobs for the billing service.
 */
import { chargeDueInvoices } from './billing';

// Charge invoices that became due. Runs every minute; see RUNBOOK.md.
setInterval(async () => {
  // One batch at a time: the provider rate-limits us.
  await chargeDueInvoices(/* batch */ 50);
}, 60_000); // keep in sync with the provider's window

/* trailing notes stay here */
