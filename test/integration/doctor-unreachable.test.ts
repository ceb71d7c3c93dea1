import {createServer, type Server, type Socket} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type DoctorReport} from '../../src/doctor/report.js'
import {checkOf, type DoctorProject, makeDoctorProject} from '../helpers/doctor-project.js'
import {startGateway, type TestGateway} from '../helpers/gateway.js'
import {type Issued, makeIntermediate, makeLeaf, makeRootCa} from '../helpers/pki.js'

const CLIENTS = ['node in-process', 'node https', 'python requests', 'python httpx', 'curl']

/** A listener on 127.0.0.1 that accepts and never speaks (a hung gateway), or speaks plain HTTP. */
async function listener(
  onConnection: (socket: Socket) => void,
): Promise<{close(): Promise<void>; url: string}> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    onConnection(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  return {
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
    url: `https://127.0.0.1:${port}/`,
  }
}

/**
 * Hosts that give no TLS answer, beside a good one: each is named on its own as unreachable (not a trust
 * problem), and neither a hung host nor a closed port takes the other hosts' results with it.
 */
describe('dev certs doctor: hosts with no TLS answer', () => {
  let root: Issued
  let good: TestGateway
  let expiredAlone: TestGateway
  let hung: Awaited<ReturnType<typeof listener>>
  let plain: Awaited<ReturnType<typeof listener>>
  let closedUrl: string
  let made: DoctorProject
  let report: DoctorReport

  beforeAll(async () => {
    root = makeRootCa({commonName: 'Unreachable Test Root'})
    const issuing = makeIntermediate(root, {commonName: 'Unreachable Test Issuing CA'})
    good = await startGateway({chain: [issuing], leaf: makeLeaf(issuing)})
    // Expired, and sent without the intermediate the team never published.
    expiredAlone = await startGateway({leaf: makeLeaf(issuing, {days: -2, notBeforeDays: -30})})
    hung = await listener(() => undefined)
    plain = await listener((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
    const closed = await listener(() => undefined)
    closedUrl = closed.url
    await closed.close()
    const hosts = [good.url, expiredAlone.url, hung.url, plain.url, closedUrl]
    made = await makeDoctorProject({hosts, root})
    report = (await made.doctor({timeoutMs: 3000})).report
  })

  afterAll(async () => {
    for (const server of [good, expiredAlone, hung, plain]) await server?.close()
    await made?.cleanup()
  })

  const live = (url: string, client: string) =>
    checkOf(report, 'live').find((f) => f.id === `live:${url}:${client}`)!

  it('no check is cut short: the good host verifies in every client, and Authorities answers', () => {
    for (const check of report.checks) {
      expect(check.findings.map((f) => f.summary).join('\n'), check.id).not.toMatch(/no answer within/)
    }

    for (const client of CLIENTS) expect(live(good.url, client).status, client).toBe('ok')
  })

  it('a hung host, a plain-HTTP port and a closed port: unreachable in every client, with a network fix', () => {
    for (const url of [hung.url, plain.url, closedUrl]) {
      for (const client of CLIENTS) {
        const finding = live(url, client)
        expect(finding.status, `${url} ${client}: ${finding.summary}`).toBe('fail')
        expect(finding.cause, `${url} ${client}: ${finding.evidence.join(' | ')}`).toBe('unreachable')
        expect(finding.fix).toContain('This is not a trust problem')
      }
    }
  })

  it('an expired leaf sent alone: every client gives the same cause, with the issuer named', () => {
    const causes = CLIENTS.map((client) => `${client}: ${live(expiredAlone.url, client).cause}`)
    expect(causes).toEqual(CLIENTS.map((client) => `${client}: issuer-unknown`))
    expect(live(expiredAlone.url, 'node https').evidence.join('\n')).toContain(
      'issued by "CN=Unreachable Test Issuing CA',
    )
  })
})
