package io.visitorprofiler.demo;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** What the simulated visitors have done so far, for the progress line. */
final class SimulationStats {
  final LongAdder visitors = new LongAdder();
  final AtomicInteger onSite = new AtomicInteger();
  final LongAdder invitations = new LongAdder();
  final LongAdder invitationsAccepted = new LongAdder();
  final LongAdder chats = new LongAdder();
}
