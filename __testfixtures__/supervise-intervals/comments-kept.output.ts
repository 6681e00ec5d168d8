/**
 * Background jobs for the billing service.
 */
import { chargeDueInvoices } from './billing';
import { supervise } from '@leakfix/runtime';

// Charge invoices that became due. Runs every minute; see RUNBOOK.md.
supervise('chargeDueInvoices', async () => {
  // One batch at a time: the provider rate-limits us.
  await chargeDueInvoices(/* batch */ 50);
}, { everyMs: 60_000 }); // keep in sync with the provider's window

/* trailing notes stay here */
