import { Argon2PasswordHasher } from '../../../../src/adapters/security/argon2-password-hasher';
import { passwordHasherContract } from '../../../contract/password-hasher.contract';
import { FastPasswordHasher } from '../../../support/fast-hasher';

passwordHasherContract('Argon2PasswordHasher', () => new Argon2PasswordHasher());
passwordHasherContract('FastPasswordHasher (unit-test double)', () => new FastPasswordHasher());
