#!/usr/bin/env node
// The same acceptor with a classic bug: it writes only its vote to disk, not
// its promise, so a restart forgets what it promised. zoocheck finds it
// (PromiseMonotonic) and shrinks the schedule:
//   npx zoocheck check paxos --impl "node examples/paxos-acceptor/acceptor-buggy.cjs" --impl-role acceptor
'use strict';
process.env.ACCEPTOR_BUG = 'forget-promise';
require('./acceptor.cjs');
