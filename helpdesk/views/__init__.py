"""Pages of the helpdesk: members' requests, team queues, the advisor's view.

Views read, check permission through `Ticket.objects.visible_to`, validate a form and
call one function of helpdesk/actions/. They never set a state themselves. A package because
one module passed 1,000 lines: base (what pages share), member, tickets (one request's page and
its steps), queues (and the advisor's view), collections, toolkit (subscriptions, saved
replies), satisfaction, teams (absences, team settings, watchers), health, exports (CSV).
"""
