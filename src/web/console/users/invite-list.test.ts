import { describe, expect, it } from 'vitest'
import { readInviteList } from './invite-list.js'

describe('reading people to invite from a pasted list or a CSV file', () => {
  it('reads the three ways a line can be written, with any of the separators', () => {
    const rows = readInviteList(
      [
        'ada@example.com, Ada, Lovelace',
        'Grace Hopper <grace@example.com>',
        '"Hopper, Grace" <g2@example.com>',
        'alan.turing@example.com',
        'linus@example.com;Linus;Torvalds',
        'ken@example.com\tKen\tThompson',
        '',
        'bob@example.com',
      ].join('\n'),
    )
    expect(
      rows.map(({ email, firstName, lastName, problem }) => ({
        email,
        firstName,
        lastName,
        problem,
      })),
    ).toEqual([
      { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', problem: undefined },
      { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', problem: undefined },
      { email: 'g2@example.com', firstName: 'Grace', lastName: 'Hopper', problem: undefined },
      {
        email: 'alan.turing@example.com',
        firstName: 'Alan',
        lastName: 'Turing',
        problem: undefined,
      },
      { email: 'linus@example.com', firstName: 'Linus', lastName: 'Torvalds', problem: undefined },
      { email: 'ken@example.com', firstName: 'Ken', lastName: 'Thompson', problem: undefined },
      {
        email: 'bob@example.com',
        firstName: '',
        lastName: '',
        problem: 'Add a first and last name: ada@example.com, Ada, Lovelace.',
      },
    ])
  })

  it('follows a header row naming the columns, in any order, and skips empty records', () => {
    const rows = readInviteList(
      '\uFEFFLast name,Email,First name\r\nLovelace,ada@example.com,Ada\r\n,,\r\n',
    )
    expect(rows).toEqual([
      {
        source: 'Lovelace, ada@example.com, Ada',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'Lovelace',
      },
    ])
  })

  it('keeps a row without an address as a row to report', () => {
    expect(readInviteList(',Ada,Lovelace')[0]).toMatchObject({ problem: 'No email address.' })
  })
})
